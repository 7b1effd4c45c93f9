"""From-scratch NumPy reference: every forward has a hand-written backward (a VJP).

Framework conventions are explicit keyword switches, documented per function.
This package never imports torch, keras, tensorflow or the parity harness.
"""
