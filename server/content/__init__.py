"""The premium trails ' text, for Pro learners."""
