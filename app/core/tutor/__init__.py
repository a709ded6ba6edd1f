"""The tutor's pure rules: retrieval ranking, intents, prompts, answers and citations,
conversations, the answer renderer and the vector arithmetic they use."""
