"""What a browser would post back from a page as rendered: the values of its fields, none touched. Standard library
only, for the load test (loadtest/locustfile.py) and the tests (tests/reports/helpers.py) alike."""

from html.parser import HTMLParser


class FormReader(HTMLParser):
    """What a browser would post back from the report page as rendered."""

    def __init__(self):
        super().__init__()
        self.data, self._textarea, self._select = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("file", "submit", "button"):
            if attrs.get("type") != "checkbox" or "checked" in attrs:
                self.data[name] = attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")
        elif tag == "textarea" and name:
            self._textarea, self.data[name] = name, ""
        elif tag == "select" and name:
            self._select, self.data[name] = name, ""
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
