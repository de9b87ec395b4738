"""Книга движения учащихся: orders (приказы) of enrolment, departure, transfer,
promotion, graduation and repeating a year; the closing of a school year (R14)."""
