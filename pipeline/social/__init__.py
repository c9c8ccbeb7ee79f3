"""The social pack: per language, the cuts, caption file, covers and post text for social media.

- `locale`: the `ll_CC` locale each platform's caption upload wants (Facebook's file names);
- `platforms`: the dated table of each platform's limits, and the checks of a file against it;
- `layout`: where the picture, title and captions sit in each shape (safe zones and sources);
- `srt`: the caption file (SubRip, written with pysrt);
- `post`: the post text and its character counts per platform.

The render tasks that make the files are in `pipeline/render/social.py`.
"""
