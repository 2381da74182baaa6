"""The HTTP half of scripts/production-smoke.sh: a person's visit to a running portal, standard library only.

Logs in as agency staff and saves the report with an evidence file, downloads the evidence back, logs in as the
reviewer, asks for a consolidated build from /tong-hop/, follows its status until the worker has built it, and
downloads its three files. Each step is
printed with its time; the exit status is 0 only if every step passed.

    python scripts/production_smoke_client.py http://127.0.0.1:8123 --staff canbo.ldtbxh --reviewer vanphong
"""

import argparse
import http.cookiejar
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from html.parser import HTMLParser

STARTED = time.monotonic()


class SmokeFailure(Exception):
    pass


class FormReader(HTMLParser):
    """The fields a browser would post from the form matching `wanted` (outside <template> elements)."""

    def __init__(self, wanted):
        super().__init__(convert_charrefs=True)
        self.wanted, self.inside, self.template = wanted, False, 0
        self.fields, self.action, self._textarea, self._select = {}, None, None, None
        self.found = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self.template += 1
        if self.template:
            return
        if tag == "form" and not self.found and self.wanted(attrs):
            self.inside = self.found = True
            self.action = attrs.get("action")
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("file", "submit", "button"):
            if attrs.get("type") not in ("checkbox", "radio"):
                self.fields[name] = attrs.get("value") or ""
            elif "checked" in attrs:
                self.fields[name] = attrs.get("value") or "on"
        elif tag == "textarea" and name:
            self._textarea, self.fields[name] = name, ""
        elif tag == "select" and name:
            self._select, self.fields[name] = name, ""
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")

    def handle_data(self, data):
        if self.inside and self._textarea and not self.template:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "template":
            self.template -= 1
        elif tag == "form" and self.inside and not self.template:
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def read_form(html, wanted):
    reader = FormReader(wanted)
    reader.feed(html)
    if not reader.found:
        raise SmokeFailure("không thấy biểu mẫu cần dùng trên trang")
    return reader.fields


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One browser: its own cookie jar; redirects are followed by hand so each can be checked."""

    def __init__(self, base):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path, data=None, follow=True, files=None):
        url = path if path.startswith("http") else self.base + path
        headers = {"Referer": self.base + "/"}
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        if files:  # multipart/form-data, as a browser sends a form with a file
            boundary = uuid.uuid4().hex
            parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                     for k, v in data.items()]  # fmt: skip
            for field, (name, content, kind) in files.items():
                parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
                             f"Content-Type: {kind}\r\n\r\n".encode() + content + b"\r\n")  # fmt: skip
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        request = urllib.request.Request(url, data=body, headers=headers)
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:  # 3xx (redirects are not followed automatically) and errors
            response = error
        status, headers, content = response.status, response.headers, response.read()
        if follow and status in (301, 302, 303):
            return self.request(urllib.parse.urljoin(url, headers["Location"]), follow=True)
        return status, headers, content, url

    def csrf(self):
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def log_in(self, username, password):
        status, _, html, _ = self.request("/dang-nhap/")
        expect(status == 200, f"trang đăng nhập trả {status}")
        fields = read_form(html.decode(), lambda a: a.get("method", "").lower() == "post")
        fields |= {"username": username, "password": password}
        status, headers, _, _ = self.request("/dang-nhap/", fields, follow=False)
        expect(status == 302, f"đăng nhập {username} trả {status} thay vì chuyển trang")
        return headers["Location"]


def expect(condition, message):
    if not condition:
        raise SmokeFailure(message)


def step(title, action):
    began = time.monotonic()
    print(f"  http [{began - STARTED:5.1f}s] {title} …", flush=True)
    result = action()
    print(f"  http [{time.monotonic() - STARTED:5.1f}s]   ok ({time.monotonic() - began:.2f}s)", flush=True)
    return result


def check_headers(visitor):
    status, headers, _, _ = visitor.request("/dang-nhap/")
    expect(status == 200, f"trang đăng nhập trả {status}")
    expect("Server" not in headers, f"còn tiêu đề Server: {headers.get('Server')}")
    policy = headers.get("Content-Security-Policy", "")
    expect("script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0],
           f"Content-Security-Policy chưa cấm script nội dòng: {policy!r}")  # fmt: skip
    expect("Permissions-Policy" in headers, "thiếu Permissions-Policy")


EVIDENCE = (
    b"%PDF-1.4\n1 0 obj<< /Type /Catalog /Pages 2 0 R >>endobj\n"
    b"2 0 obj<< /Type /Pages /Kids [3 0 R] /Count 1 >>endobj\n"
    b"3 0 obj<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n% "
    + uuid.uuid4().hex.encode()
    + b"\n"
)


def save_report(visitor, note):
    status, _, html, url = visitor.request("/")
    expect(status == 200 and "/bao-cao/" in url, f"cán bộ không tới được báo cáo của đơn vị ({status}, {url})")
    fields = read_form(html.decode(), lambda a: a.get("id") == "report-form")
    fields |= {"difficulties": note, "action": "save"}
    evidence_field = re.search(r'<input[^>]*type="file"[^>]*name="([^"]*new_evidence)"', html.decode())
    expect(evidence_field, "không thấy ô tải minh chứng trên báo cáo")
    files = {evidence_field.group(1): ("smoke-minh-chung.pdf", EVIDENCE, "application/pdf")}
    status, _, html, after = visitor.request(url, fields, files=files)
    page = html.decode()
    problems = re.findall(r'class="invalid-feedback"[^>]*>\s*<strong>(.*?)</strong>', page, re.S)
    expect(status == 200 and after == url, f"lưu báo cáo trả {status} ({after}) {problems[:3]}")
    expect("Đã lưu nháp lúc" in page, "trang không báo đã lưu nháp")
    expect(note in page, "nội dung vừa lưu không hiện lại trên trang")
    links = re.findall(r'href="(/ke-hoach/[\w-]+/bao-cao/\d+/minh-chung/\d+/)"', page)
    expect(links, "minh chứng vừa tải lên không hiện trên trang")
    return links[-1]


def download_evidence(visitor, link):
    status, headers, content, _ = visitor.request(link)
    expect(status == 200, f"tải minh chứng trả {status}")
    expect(content == EVIDENCE, f"minh chứng tải về khác tệp đã gửi ({len(content)} byte)")
    print(f"                   minh chứng {len(content):,} byte, {headers.get('Content-Disposition')}", flush=True)


def request_build(visitor):
    status, _, html, page_url = visitor.request("/tong-hop/")  # the reviewer's one plan: its page
    expect(status == 200, f"/tong-hop/ trả {status}")
    before = set(re.findall(r'data-status-url="([^"]+)"', html.decode()))
    fields = read_form(html.decode(), lambda a: a.get("method", "").lower() == "post" and "action" not in a)
    status, _, html, _ = visitor.request(page_url, fields)
    page = html.decode()
    expect(status == 200, f"yêu cầu dựng trả {status}")
    expect("hàng đợi đang gián đoạn" not in page, "trang báo hàng đợi đang gián đoạn")
    expect(re.search(r"Đang dựng bản \d+", page), "trang không báo đang dựng")
    new = [u for u in re.findall(r'data-status-url="([^"]+)"', page) if u not in before]
    expect(len(new) == 1, f"không thấy đúng một bản mới trong danh sách ({new})")
    return new[0]


def wait_until_built(visitor, status_url, timeout):
    deadline, seen = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        status, _, body, _ = visitor.request(status_url)
        expect(status == 200, f"trạng thái trả {status}")
        data = json.loads(body)
        if not seen or seen[-1] != data["state"]:
            seen.append(data["state"])
            print(f"                   trạng thái: {data['state']} ({data['label']})", flush=True)
        if data["state"] == "ready":
            return data["files"]
        expect(data["state"] != "failed", f"dựng thất bại: {data['error']}")
        time.sleep(1)
    raise SmokeFailure(f"sau {timeout} s bản vẫn chưa dựng xong (các trạng thái đã thấy: {seen})")


def download_files(visitor, files):
    for kind, start in (("pdf", b"%PDF"), ("xlsx", b"PK"), ("docx", b"PK")):
        status, headers, content, _ = visitor.request(files[kind])
        expect(status == 200, f"tải {kind} trả {status}")
        expect(content.startswith(start) and len(content) > 1000, f"tệp {kind} tải về hỏng: {content[:20]!r}")
        print(f"                   {kind.upper()} {len(content):,} byte, {headers.get('Content-Type')}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("--staff", default="canbo.ldtbxh")
    parser.add_argument("--reviewer", default="vanphong")
    parser.add_argument("--password", default="binhson-demo")
    parser.add_argument("--build-timeout", type=float, default=240)
    args = parser.parse_args()
    try:
        staff = Visitor(args.base)
        step("tiêu đề bảo mật trên trang đăng nhập (CSP, Permissions-Policy, không có Server)",
             lambda: check_headers(staff))  # fmt: skip
        step(f"đăng nhập cán bộ {args.staff}", lambda: staff.log_in(args.staff, args.password))
        note = f"Kiểm thử đường sản xuất lúc {time.strftime('%H:%M:%S %d/%m/%Y')}."
        link = step("lưu báo cáo của đơn vị kèm một minh chứng (có mã CSRF)", lambda: save_report(staff, note))
        step("tải lại minh chứng (qua web, từ kho S3)", lambda: download_evidence(staff, link))
        reviewer = Visitor(args.base)
        step(f"đăng nhập Văn phòng huyện {args.reviewer}", lambda: reviewer.log_in(args.reviewer, args.password))
        status_url = step("yêu cầu dựng báo cáo tổng hợp từ /tong-hop/", lambda: request_build(reviewer))
        files = step("chờ worker dựng xong", lambda: wait_until_built(reviewer, status_url, args.build_timeout))
        step("tải ba tệp PDF, Excel, Word (worker ghi, web đọc)", lambda: download_files(reviewer, files))
    except (SmokeFailure, urllib.error.URLError, OSError, ValueError) as exc:
        print(f"  http [{time.monotonic() - STARTED:5.1f}s]   HỎNG: {exc}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
