"""User-defined narratives: a YAML file of `{name, description, examples}` matched by sentence similarity.

```yaml
- name: Sanctions hurt only Europe
  description: Sanctions against Russia harm European citizens and not Russia.   # optional
  examples:                                                                      # sentences, any language
    - The sanctions are destroying European industry while Russia grows.
    - Les sanctions ruinent les Européens, pas la Russie.
```
A top-level mapping `{narratives: [...]}` is accepted too. Every error names the file and line (E507).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ConfigError, Errors


@dataclass
class UserNarrative:
    name: str
    description: str
    examples: list[str]
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 384), np.float32))

    def embed(self, embedder) -> None:
        self.vectors = embedder.embed([*self.examples, *([self.description] if self.description else [])])

    def similarity(self, sentences: np.ndarray) -> np.ndarray:
        """[n] best cosine of each sentence vector to the narrative's examples and description."""
        return (sentences @ self.vectors.T).max(1) if len(sentences) else np.zeros(0)


def _fail(path: str, line: int, detail: str) -> ConfigError:
    return ConfigError(Errors.E507(path=path, line=line, detail=detail))


def load_user_narratives(path: str) -> list[UserNarrative]:
    """The narratives in `path` ("" for none)."""
    if not path:
        return []
    import yaml

    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, 0, f"cannot be read ({exc})") from exc
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise _fail(path, mark.line + 1 if mark else 0, str(getattr(exc, "problem", exc))) from exc
    if isinstance(root, yaml.MappingNode):
        root = next((v for k, v in root.value if k.value == "narratives"), None) or root
    if not isinstance(root, yaml.SequenceNode):
        raise _fail(path, root.start_mark.line + 1 if root else 1, "expected a list of narratives")
    out, names = [], set()
    for item in root.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            raise _fail(path, line, "each narrative is a mapping with name, description and examples")
        fields = {k.value: v for k, v in item.value}
        unknown = set(fields) - {"name", "description", "examples"}
        if unknown:
            raise _fail(path, line, f"unknown key(s) {', '.join(sorted(unknown))}")
        name = _scalar(path, fields.get("name"), line, "name")
        if name in names:
            raise _fail(path, line, f"narrative {name!r} is defined twice")
        names.add(name)
        description = _scalar(path, fields["description"], line, "description") if "description" in fields else ""
        examples = fields.get("examples")
        if not isinstance(examples, yaml.SequenceNode) or not examples.value:
            raise _fail(path, line, f"narrative {name!r} needs a non-empty list of examples")
        sentences = [_scalar(path, e, e.start_mark.line + 1, "example") for e in examples.value]
        out.append(UserNarrative(name, description, sentences))
    if not out:
        raise _fail(path, 1, "holds no narratives")
    return out


def _scalar(path: str, node, line: int, what: str) -> str:
    import yaml

    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise _fail(path, node.start_mark.line + 1 if node is not None else line, f"{what} must be non-empty text")
    return str(node.value).strip()
