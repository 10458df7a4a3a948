"""`audience reviewer` and `audience review`: one clear line and exit 2 on bad input."""

from __future__ import annotations

import io
import socket

from audience_assets.cli import main
from audience_assets.review import auth


def test_reviewer_add_from_stdin_then_list(tmp_path, monkeypatch, capsys):
    file = tmp_path / "reviewers.yaml"
    monkeypatch.setattr("sys.stdin", io.StringIO("una clave bastante larga\n"))
    assert main(["reviewer", "add", "ana", "--password-stdin", "--file", str(file)]) == 0
    assert auth.verify(auth.load_users(file), "ana", "una clave bastante larga")
    assert main(["reviewer", "list", "--file", str(file)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "ana"


def test_reviewer_add_refuses_a_short_password_and_a_bad_name(tmp_path, monkeypatch, capsys):
    file = tmp_path / "reviewers.yaml"
    monkeypatch.setattr("sys.stdin", io.StringIO("corta\n"))
    assert main(["reviewer", "add", "ana", "--password-stdin", "--file", str(file)]) == 2
    monkeypatch.setattr("sys.stdin", io.StringIO("una clave bastante larga\n"))
    assert main(["reviewer", "add", "a b", "--password-stdin", "--file", str(file)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "at least" in err[0] and "names" in err[1]
    assert not file.exists()


def test_reviewer_remove_deletes_the_name_and_ends_its_sessions(tmp_path, monkeypatch, capsys):
    from audience_assets.sql.engine import make_engine

    file, db = tmp_path / "reviewers.yaml", f"sqlite:///{tmp_path}/audience.db"
    auth.add_user("ana", "una clave bastante larga", file)
    auth.add_user("luis", "una clave bastante larga", file)
    engine = make_engine(db)
    auth.open_session(engine, "ana", 600, auth.load_users(file)["ana"])
    assert main(["reviewer", "remove", "ana", "--file", str(file), "--db", db]) == 0
    assert sorted(auth.load_users(file)) == ["luis"]
    assert "1 open session(s) ended" in capsys.readouterr().out
    assert main(["reviewer", "remove", "ana", "--file", str(file), "--db", db]) == 2
    assert "no reviewer named 'ana'" in capsys.readouterr().err


def test_review_refuses_a_port_in_use(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["review", "--port", str(port)]) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_review_refuses_a_malformed_reviewers_file(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "r.yaml"
    bad.write_text("- just a list\n")
    monkeypatch.setenv("AUDIENCE_REVIEWERS_FILE", str(bad))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main(["review", "--port", str(port)]) == 2
    assert "expected a mapping" in capsys.readouterr().err
