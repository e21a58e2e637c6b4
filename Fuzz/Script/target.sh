# The script parser and interpreter.
modules="TandemJSON SyncScript"
seed_files=$(find "$root/Tests/SyncScriptTests/Fixtures" -name '*.sync')
