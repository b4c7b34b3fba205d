"""A small service used only to test the kernel: notes, with events, a handler and a timer.

It registers its own event contracts on the shared catalogue (test-only types).
"""
