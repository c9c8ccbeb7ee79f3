"""Render tasks: each module plans its tasks and holds their actions (one ffmpeg recipe per task)."""
