"""A real SMTP server that insists on STARTTLS (Debian's python3-aiosmtpd), for the smtp_tls test.

usage: starttls_smtpd.py PORT CERT KEY OUTDIR
Each message is written to OUTDIR; a client that skips STARTTLS is refused before MAIL FROM.
Prints READY once listening and stops when its stdin closes.
"""
import os
import ssl
import sys

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, outdir):
        self.outdir = outdir

    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(self.outdir, "%d.eml" % len(os.listdir(self.outdir)))
        with open(name, "wb") as out:
            out.write(envelope.original_content or envelope.content)
        return "250 OK"


def main():
    port, cert, key, outdir = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    controller = Controller(Keep(outdir), hostname="127.0.0.1", port=port, tls_context=context,
                            require_starttls=True)
    controller.start()
    print("READY", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
