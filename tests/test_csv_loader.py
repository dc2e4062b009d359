import pandas as pd
import pytest

from assets.platform.csv_loader import DataFileError, TableSpec, load_csv, typed_frame

SPEC = TableSpec(
    "t", "t.csv", {"code": "varchar", "n": "integer", "x": "double", "ok": "boolean"}, ("code",), "g", "d", "s", "l"
)


def frame(rows):
    return pd.DataFrame(rows, columns=["code", "n", "x", "ok"], dtype=str)


def test_types_are_cast():
    res = typed_frame(frame([["a", "1", "2.5", "True"], ["b", "", "", ""]]), SPEC, "t.csv")
    assert res.quarantined == []
    assert res.frame["n"].tolist()[0] == 1 and pd.isna(res.frame["n"].tolist()[1])
    assert res.frame["x"].tolist()[0] == 2.5
    assert res.frame["ok"].tolist()[0] is True


def test_bad_value_is_quarantined_naming_record_and_field():
    res = typed_frame(frame([["a", "1", "2", "True"], ["b", "one", "2", "False"]]), SPEC, "t.csv")
    assert len(res.frame) == 1
    [q] = res.quarantined
    assert q.field == "n" and "'one' is not a valid integer" in q.reason
    assert "row 2" in q.record_id and "code='b'" in q.record_id
    assert q.record["n"] == "one"


def test_empty_key_and_duplicate_key_are_quarantined():
    res = typed_frame(frame([["a", "1", "", ""], ["", "2", "", ""], ["a", "3", "", ""]]), SPEC, "t.csv")
    reasons = sorted(q.reason for q in res.quarantined)
    assert reasons == ["duplicate key (code)", "required value is empty"]
    assert res.frame["n"].tolist() == [1]


def test_missing_column_names_file_and_column(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("code,n,x\na,1,2\n")
    with pytest.raises(DataFileError, match=r"t\.csv: missing column\(s\) ok"):
        load_csv(path, SPEC)


def test_missing_file_and_bad_encoding(tmp_path):
    with pytest.raises(DataFileError, match="file not found"):
        load_csv(tmp_path / "nope.csv", SPEC)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"code,n,x,ok\n\xff\xfe,1,2,True\n")
    with pytest.raises(DataFileError, match="not valid UTF-8"):
        load_csv(bad, SPEC)


def test_header_only_file_is_an_error(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("code,n,x,ok\n")
    with pytest.raises(DataFileError, match="no data rows"):
        load_csv(path, SPEC)
