"""The fair baseline's shared part: botocore resolving every shape of an operation side, members
included (botocore builds shapes lazily: without this walk it never builds what we build)."""

RESOLVE = """
import sys
from botocore.loaders import Loader
from botocore.model import ServiceModel

def resolve(shape, seen):
    if shape.name in seen:
        return
    seen.add(shape.name)
    if shape.type_name == "structure":
        for member in shape.members.values():
            resolve(member, seen)
    elif shape.type_name == "list":
        resolve(shape.member, seen)
    elif shape.type_name == "map":
        resolve(shape.key, seen)
        resolve(shape.value, seen)
"""
