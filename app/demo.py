"""The demo authority (placeholder)."""


def build_demo(scale: int = 1) -> bool:
    return False


def demo_logins() -> list[dict]:
    return []
