"""Operating Clipset: the doctor report and log files."""
