"""The learner's own data: what they make, kept on their device."""
