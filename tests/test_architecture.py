"""The layers of the code point one way (pyproject.toml [tool.importlinter]): bench, then
patterns_site, recipes, catalogue and foundations, each importing only those below it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["bench", "patterns_site", "recipes", "catalogue", "foundations"]


def contract(tmp_path, layers) -> str:
    config = tmp_path / "importlinter.toml"
    packages = ", ".join(f'"{name}"' for name in LAYERS)
    order = ", ".join(f'"{name}"' for name in layers)
    config.write_text(
        f"[tool.importlinter]\nroot_packages = [{packages}]\n\n"
        f'[[tool.importlinter.contracts]]\nname = "layers"\ntype = "layers"\nlayers = [{order}]\n'
    )
    return str(config)


def lint_imports(config: str) -> subprocess.CompletedProcess:
    command = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(  # noqa: S603 - our own tool on our own config
        [str(command), "--config", config, "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_no_import_runs_back_up():
    result = lint_imports(str(ROOT / "pyproject.toml"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_sees_the_real_imports(tmp_path):
    """Upside down, the same contract is broken: the check reads this tree's imports."""
    result = lint_imports(contract(tmp_path, list(reversed(LAYERS))))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
