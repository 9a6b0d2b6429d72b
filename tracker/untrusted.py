"""Article text is untrusted: the two functions that make it safe for the places that are not
HTML templates (which autoescape). Every string bound for a chart goes through `for_plot`,
every string bound for the Atom feed through `for_xml`."""

from __future__ import annotations

import re

# Characters XML 1.0 forbids (C0 controls but tab/newline/return, lone surrogates, U+FFFE/F).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Plotly's labels understand a subset of HTML: tags and entities. `"` and `'` are plain text
# there (plotly does not decode &quot;, which would show as is), so only these three matter.
_PLOT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def for_xml(value) -> str:
    """The text with every character that XML 1.0 cannot carry removed."""
    return _XML_ILLEGAL.sub("", "" if value is None else str(value))


def for_plot(value) -> str:
    """Text made inert for plotly's HTML-ish titles, axis titles, hover labels and legends:
    no tag, entity or link survives, and quotes still read as quotes."""
    return for_xml(value).translate(_PLOT_ESCAPES)
