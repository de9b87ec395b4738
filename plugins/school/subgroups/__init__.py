"""Подгруппы: splitting a class per subject and moving learners at a period's end (R9)."""
