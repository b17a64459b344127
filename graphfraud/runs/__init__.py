"""Ways to run detect beyond one pipeline.run: by region (regions), with verdicts (feedback)."""
