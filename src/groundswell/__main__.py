from groundswell.cli.main import run

run()
