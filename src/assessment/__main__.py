from assessment.cli import app

app(prog_name="assessment")
