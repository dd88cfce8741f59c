"""A real SMTP server with a content filter (Python's smtpd), for the refused-mail test.

usage: filtering_smtpd.py PORT REFUSE OUTDIR
A message whose text holds REFUSE is answered "554 5.7.1" after its data, as a content filter does;
every other message is written to OUTDIR. Prints READY once listening and stops when its stdin closes.
"""
import os
import sys
import threading
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import asyncore
    import smtpd


class Filter(smtpd.SMTPServer):
    def __init__(self, port, refuse, outdir):
        super().__init__(("127.0.0.1", port), None, decode_data=False)
        self.refuse = refuse.encode()
        self.outdir = outdir

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        if self.refuse in data:
            return "554 5.7.1 Message refused by the content filter"
        with open(os.path.join(self.outdir, "%d.eml" % len(os.listdir(self.outdir))), "wb") as out:
            out.write(data)
        return None


def main():
    Filter(int(sys.argv[1]), sys.argv[2], sys.argv[3])
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    print("READY", flush=True)
    asyncore.loop(timeout=0.2)


if __name__ == "__main__":
    main()
