"""The computer Clipset runs on: tray, start at login, LAN address, instance lock, shell."""
