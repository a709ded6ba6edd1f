"""The course library: its compiled catalog of roadmaps and topics, and the app's hash routes."""
