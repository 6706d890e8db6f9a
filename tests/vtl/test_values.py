"""Java-style printing of maps and lists, and the Java collection methods."""

from __future__ import annotations

from apigate.vtl.values import VtlList, VtlMap, java_str, to_json, to_plain, to_vtl


def test_map_prints_java_style_with_json_lists_inside() -> None:
    value = to_vtl({"foo": "bar", "list": [{"nested": "bar"}], "none": None, "yes": True, "map": {"x": 1.5}})
    assert str(value) == '{foo=bar, list=[{"nested":"bar"}], none=null, yes=true, map={x=1.5}}'


def test_list_prints_as_compact_json() -> None:
    assert str(to_vtl([{"foo": "bar"}, 1, None, "s"])) == '[{"foo":"bar"},1,null,"s"]'


def test_java_str_of_scalars() -> None:
    assert [java_str(v) for v in (None, True, False, 3, "x")] == ["null", "true", "false", "3", "x"]
    assert java_str({"a": 1}) == "{a=1}"


def test_collection_methods() -> None:
    m = VtlMap(a=1)
    assert m.put("b", 2) is None and m.put("b", 3) == 2
    assert m.size() == 2 and not m.isEmpty() and m.containsKey("a") and m.containsValue(3)
    assert list(m.keySet()) == ["a", "b"]
    assert m.remove("a") == 1 and str(m) == "{b=3}"
    lst = VtlList([1])
    assert lst.add(2) is True and lst.size() == 2 and lst.get(1) == 2 and lst.indexOf(9) == -1
    assert lst.set(0, 5) == 1 and str(lst) == "[5,2]"


def test_round_trip_to_plain_values() -> None:
    plain = to_plain(to_vtl({"a": [{"b": 1}]}))
    assert type(plain) is dict and type(plain["a"]) is list and type(plain["a"][0]) is dict
    assert to_json(to_vtl({"k": [1, 2]})) == '{"k":[1,2]}'
