"""The demo catalog: courses as Markdown files beside their GIFT quizzes, and their loader."""
