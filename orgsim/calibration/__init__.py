"""Calibration: fit a scenario to what an organisation observed (ABC-SMC with pyabc)."""
