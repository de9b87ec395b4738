"""Business rules (R1–R16 of SPEC.md), apart from views and models."""
