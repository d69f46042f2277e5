"""The learning domain's models, one module per concern (catalog, quizzes, progress, certificates)."""
