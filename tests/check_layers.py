#!/usr/bin/env python3
"""The layering check: every include of one module of src/ by another, and every DEPS
entry of a module's CMakeLists.txt, must follow the one-way order that
docs/architecture.md states in its "Layers" block. A module may use the modules its line
names and, through them, whatever those use.

  check_layers.py ROOT        check the tree at ROOT (exit 1 and a line per edge against it)
  check_layers.py --self-test check that the check fails on a tree with an edge against it
"""
import pathlib
import re
import sys
import tempfile

INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"', re.M)
DEPS = re.compile(r"\bDEPS\b([^)]*?)(?:\n\s*[A-Z_]+\b|\))", re.S)
BLOCK = re.compile(r"```layers\n(.*?)```", re.S)


def read_layers(doc):
    """{module: set of modules it may use directly}, from the doc's ```layers block."""
    match = BLOCK.search(doc.read_text())
    if not match:
        raise SystemExit(f"{doc}: no ```layers block")
    layers = {}
    for line in match.group(1).splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, uses = line.partition(":")
        layers[name.strip()] = set(uses.split())
    for name, uses in layers.items():
        unknown = uses - layers.keys()
        if unknown:
            raise SystemExit(f"{doc}: {name} uses {sorted(unknown)}, which have no line")
    return layers


def closure(layers):
    """{module: every module it may use, directly or through others}; refuses cycles."""
    reach = {}

    def visit(name, path):
        if name in path:
            raise SystemExit("the layers have a cycle: " + " -> ".join(path + [name]))
        if name not in reach:
            below = set()
            for used in layers[name]:
                below |= {used} | visit(used, path + [name])
            reach[name] = below
        return reach[name]

    for name in layers:
        visit(name, [])
    return reach


def edges(src):
    """(module, used module, where) for every include and DEPS entry across modules."""
    for folder in sorted(p for p in src.iterdir() if p.is_dir()):
        module = folder.name
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".cpp", ".hpp", ".in"):
                text = path.read_text()
                for m in INCLUDE.finditer(text):
                    line = text.count("\n", 0, m.start()) + 1
                    yield module, m.group(1), f"{path.relative_to(src.parent)}:{line}"
        cmake = folder / "CMakeLists.txt"
        if cmake.exists():
            for m in DEPS.finditer(cmake.read_text()):
                for dep in re.findall(r"\bmindme_([a-z_]+)\b", m.group(1)):
                    yield module, dep, f"{cmake.relative_to(src.parent)} (DEPS)"


def check(root):
    root = pathlib.Path(root)
    layers = read_layers(root / "docs" / "architecture.md")
    reach = closure(layers)
    src = root / "src"
    problems = []
    for folder in sorted(p.name for p in src.iterdir() if p.is_dir()):
        if folder not in layers:
            problems.append(f"src/{folder}: a module with no line in the layers")
    for module, used, where in edges(src):
        if used == module or module not in layers:
            continue
        if used not in layers:
            problems.append(f"{where}: {module} uses '{used}', which is not a module")
        elif used not in reach[module]:
            problems.append(f"{where}: {module} may not use {used} (docs/architecture.md, Layers)")
    return problems


def self_test():
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        (root / "docs").mkdir()
        (root / "docs" / "architecture.md").write_text(
            "```layers\ncore:\nmetrics: core\nhttp: metrics\napp: http\n```\n")
        for name in ("core", "metrics", "http", "app"):
            (root / "src" / name).mkdir(parents=True)
        (root / "src" / "app" / "a.cpp").write_text('#include "core/x.hpp"\n')
        (root / "src" / "http" / "h.cpp").write_text('#include "metrics/m.hpp"\n')
        assert check(root) == [], check(root)  # through http and metrics, app reaches core
        (root / "src" / "metrics" / "m.cpp").write_text('#include <x>\n#include "http/h.hpp"\n')
        (root / "src" / "core" / "CMakeLists.txt").write_text(
            "mindme_module(core\n  SOURCES a.cpp\n  DEPS mindme_app Threads::Threads\n"
            "  TESTS a_test.cpp)\n")
        found = check(root)
        assert found == ["src/core/CMakeLists.txt (DEPS): core may not use app "
                         "(docs/architecture.md, Layers)",
                         "src/metrics/m.cpp:2: metrics may not use http "
                         "(docs/architecture.md, Layers)"], found
        (root / "src" / "fleet").mkdir()
        assert "src/fleet: a module with no line in the layers" in check(root)
        (root / "docs" / "architecture.md").write_text("```layers\ncore: app\napp: core\n```\n")
        try:
            check(root)
        except SystemExit as e:
            assert "cycle" in str(e), e
        else:
            raise AssertionError("a cycle was accepted")
    print("the layering check refuses edges against the order, unknown modules and cycles")


def main():
    if sys.argv[1:] == ["--self-test"]:
        self_test()
        return 0
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    problems = check(sys.argv[1])
    for p in problems:
        print(p)
    if problems:
        return 1
    print("every include and DEPS entry of src/ follows the layers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
