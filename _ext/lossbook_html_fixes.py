"""Local Sphinx extension: drop duplicate <script> tags from every HTML page.

Sphinx 7.4 re-adds, in ``prepare_writing``, the scripts that extensions registered after the builder
was created; an inline script registered with ``filename=None`` then comes back with ``filename=''``,
which does not compare equal, so it is emitted twice. sphinx-thebe's inline
``const THEBE_JS_URL = ...`` twice is a SyntaxError on every page ("Identifier 'THEBE_JS_URL' has already
been declared"), which the browser test reports.
"""


def _drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen = set()
    unique = []
    for js in scripts:
        key = (js.filename or "", js.priority, tuple(sorted(js.attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique  # in place: the builder adds page-specific scripts to the same list


def setup(app):
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
