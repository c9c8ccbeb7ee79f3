"""Subtitles: one cue model for SRT and WebVTT input, readers, cleaning and writers."""
