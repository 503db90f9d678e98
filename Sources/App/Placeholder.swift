import HTTPServer
import Postgres
import Cryptography
import Domain
import JSON
