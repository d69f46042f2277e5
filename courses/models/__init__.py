"""The learning domain: catalog, quizzes, progress and certificates, a module each."""
