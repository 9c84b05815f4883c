import os
import sys

# Run from a source checkout: make python/ importable even without the .venv's spate.pth.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))
