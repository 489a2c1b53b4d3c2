"""Checks shared by the analysis tests."""


def assert_offsets_valid(a) -> None:
    """Every offset of an Analysis indexes its text: the contract matching relies on."""
    for m in a.mentions:
        assert a.text[m.start:m.end] == m.text
    for s in a.sentences:
        assert a.text[s.start:s.end] == s.text
    for f in a.events:
        assert a.text[f.trigger_start:f.trigger_end] == f.trigger
