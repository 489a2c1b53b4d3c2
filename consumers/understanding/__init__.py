"""Understanding: wire-text normalisation, entities and event frames (pure logic)."""
