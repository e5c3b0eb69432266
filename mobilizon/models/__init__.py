"""Core models shared by every feature: the declarative base and the tables all features use."""
