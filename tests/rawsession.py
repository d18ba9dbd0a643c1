"""A Streamlit session driven by hand over its WebSocket, as an attacker's script would: any
Host, any Origin, any BackMsg. Used against a real server started by the test."""

from __future__ import annotations

import http.client
import socket
import uuid
from collections.abc import Iterator

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.sync.client import ClientConnection, connect

STREAM = "/_stcore/stream"


def open_session(
    port: int,
    host: str | None = None,
    origin: str | None = "same",
    headers: dict[str, str] | None = None,
) -> ClientConnection:
    """Connect to 127.0.0.1:port while naming `host` (default 127.0.0.1:port) in Host, as a
    browser does after DNS rebinding; `origin="same"` sends the Origin of that host."""
    host = host or f"127.0.0.1:{port}"
    extra = dict(headers or {})
    if origin == "same":
        extra["Origin"] = f"http://{host}"
    elif origin is not None:
        extra["Origin"] = origin
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    return connect(
        f"ws://{host}{STREAM}",
        sock=sock,
        subprotocols=["streamlit"],
        additional_headers=extra,
        open_timeout=30,
        max_size=None,
    )


def rerun(
    ws: ClientConnection, query_string: str = "", page_script_hash: str = "", timeout: float = 60
) -> list[ForwardMsg]:
    """Ask for a script run and return every message until it finishes."""
    msg = BackMsg()
    msg.rerun_script.query_string = query_string
    msg.rerun_script.page_script_hash = page_script_hash
    ws.send(msg.SerializeToString())
    return list(until_finished(ws, timeout))


def until_finished(ws: ClientConnection, timeout: float = 60) -> Iterator[ForwardMsg]:
    while True:
        forward = ForwardMsg.FromString(ws.recv(timeout=timeout))
        yield forward
        if forward.WhichOneof("type") == "script_finished":
            return


def clear_cache(ws: ClientConnection) -> None:
    msg = BackMsg()
    msg.clear_cache = True
    ws.send(msg.SerializeToString())


def page_names(messages: list[ForwardMsg]) -> set[str]:
    """Every page name the server told this session about (menu and page list)."""
    names = set()
    for m in messages:
        if m.WhichOneof("type") == "new_session":
            names |= {p.page_name for p in m.new_session.app_pages}
        if m.WhichOneof("type") == "navigation":
            names |= {p.page_name for p in m.navigation.app_pages}
    return names


def texts(messages: list[ForwardMsg]) -> str:
    """Every text the server drew for this session (markdown, titles, alerts, captions…)."""
    found = []
    for m in messages:
        if m.WhichOneof("type") != "delta" or not m.delta.HasField("new_element"):
            continue
        element = m.delta.new_element
        kind = element.WhichOneof("type")
        body = getattr(element, kind, None)
        for field in ("body", "label", "value", "text"):
            value = getattr(body, field, None)
            if isinstance(value, str) and value:
                found.append(value)
    return "\n".join(found)


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def session_id(messages: list[ForwardMsg]) -> str:
    for m in messages:
        if m.WhichOneof("type") == "new_session":
            return m.new_session.initialize.session_id
    raise AssertionError("no new_session message")


def xsrf_cookie(port: int) -> str:
    """The XSRF cookie the server sets on its health check (a browser echoes it in a header)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", "/_stcore/health", headers={"Host": f"127.0.0.1:{port}"})
        answer = connection.getresponse()
        answer.read()
    finally:
        connection.close()
    for name, value in answer.getheaders():
        if name.lower() == "set-cookie" and value.startswith("_streamlit_xsrf="):
            return value.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError("no XSRF cookie")


def upload(port: int, session: str, data: bytes, name: str = "t.xlsx") -> int:
    """PUT one file to the upload route as the browser does (same origin, XSRF token);
    the HTTP status."""
    cookie = xsrf_cookie(port)
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        return _put(connection, session, body, boundary, cookie, port)
    finally:
        connection.close()


def _put(connection, session, body, boundary, cookie, port) -> int:
    connection.request(
        "PUT",
        f"/_stcore/upload_file/{session}/{uuid.uuid4()}",
        body=body,
        headers={
            "Host": f"127.0.0.1:{port}",
            "Origin": f"http://127.0.0.1:{port}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Xsrftoken": cookie,
            "Cookie": f"_streamlit_xsrf={cookie}",
        },
    )
    answer = connection.getresponse()
    answer.read()
    return answer.status


def download_buttons(messages: list[ForwardMsg]) -> dict[str, str]:
    """{label: deferred file id} of the download buttons drawn (files built when clicked)."""
    found = {}
    for m in messages:
        if (
            m.WhichOneof("type") == "delta"
            and m.delta.HasField("new_element")
            and m.delta.new_element.WhichOneof("type") == "download_button"
        ):
            button = m.delta.new_element.download_button
            found[button.label] = button.deferred_file_id
    return found


def click_download(ws: ClientConnection, port: int, session: str, file_id: str) -> bytes | None:
    """What the browser gets when it clicks a deferred download: the file, or None."""
    msg = BackMsg()
    msg.backend_operation_request.request_id = uuid.uuid4().hex
    msg.backend_operation_request.session_id = session
    msg.backend_operation_request.deferred_file.file_id = file_id
    ws.send(msg.SerializeToString())
    while True:
        forward = ForwardMsg.FromString(ws.recv(timeout=60))
        if forward.WhichOneof("type") == "backend_operation_response":
            response = forward.backend_operation_response
            if response.error_msg or not response.deferred_file.url:
                return None
            break
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", response.deferred_file.url, headers={"Host": f"127.0.0.1:{port}"})
        return connection.getresponse().read()
    finally:
        connection.close()


def page_hash(messages: list[ForwardMsg], name: str) -> str:
    for m in messages:
        if m.WhichOneof("type") == "navigation":
            for page in m.navigation.app_pages:
                if page.page_name == name:
                    return page.page_script_hash
    raise AssertionError(f"no page {name}")


def fragment_ids(messages: list[ForwardMsg]) -> set[str]:
    return {
        m.delta.fragment_id
        for m in messages
        if m.WhichOneof("type") == "delta" and m.delta.fragment_id
    }


def rerun_fragment(
    ws: ClientConnection, fragment_id: str, query_string: str, page_script_hash: str
) -> list[ForwardMsg]:
    """What a widget inside a fragment asks: run that fragment only."""
    msg = BackMsg()
    msg.rerun_script.query_string = query_string
    msg.rerun_script.page_script_hash = page_script_hash
    msg.rerun_script.fragment_id = fragment_id
    ws.send(msg.SerializeToString())
    return list(until_finished(ws))
