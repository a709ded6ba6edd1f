from fastapi.testclient import TestClient


def test_healthz_reports_database_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_unreachable_database(client: TestClient) -> None:
    client.app.state.engine.dispose()  # type: ignore[attr-defined]
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker

    broken = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    client.app.state.sessionmaker = sessionmaker(broken)  # type: ignore[attr-defined]
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
