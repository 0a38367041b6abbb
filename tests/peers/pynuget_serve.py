"""Runs pynuget 0.2.5, a real NuGet V2 server (Flask), on 127.0.0.1 for Nupub's tests.

usage: PYTHON pynuget_serve.py PORT DATA_DIR API_KEY

PYTHON is the interpreter of the virtual environment scripts/test makes with
pynuget's pinned dependencies. pynuget's own `init` expects Apache and
/var/www, so this sets the development configuration through its environment
variables, creates the database tables and serves with Werkzeug, threaded off
(pynuget keeps per-request state in module globals).
Packages land in DATA_DIR/nuget_packages/<Id>/<version>.nupkg.
"""

import os
import sys


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    port = int(sys.argv[1])
    data_dir = os.path.abspath(sys.argv[2])
    api_key = sys.argv[3]
    os.makedirs(data_dir, exist_ok=True)
    os.environ["PYNUGET_CONFIG_TYPE"] = "LOCAL_DEV"
    os.environ["PYNUGET_SERVER_PATH"] = data_dir
    os.environ["PYNUGET_LOG_PATH"] = os.path.join(data_dir, "pynuget.log")

    from sqlalchemy import create_engine
    from pynuget import create_app, db

    database = os.path.join(data_dir, "nuget_packages.sqlite")
    db.Base.metadata.create_all(create_engine("sqlite:///" + database))
    app = create_app()
    app.config["API_KEYS"] = {api_key}
    app.run(host="127.0.0.1", port=port, threaded=False, use_reloader=False)


if __name__ == "__main__":
    main()
