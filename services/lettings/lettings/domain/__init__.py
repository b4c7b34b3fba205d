"""The allocation scheme's rules as pure functions: no Flask, no database."""
