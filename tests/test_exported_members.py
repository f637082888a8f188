"""``personae.__all__`` lists exactly the public names the package defines."""

import personae


def test_all_is_honest() -> None:
    public = {n for n in dir(personae) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(personae, n)).__name__ == "module"}
    assert set(personae.__all__) == public - modules
    for name in personae.__all__:
        assert getattr(personae, name) is not None
