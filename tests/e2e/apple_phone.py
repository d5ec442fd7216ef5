"""The phone's side of a purchase, for the browser tests: App Store signed transactions
from a CA minted here (apple_signer.py). Prints the root certificate's path, then answers
each line of stdin, `product number app_account_token`, with one signed transaction;
ends when stdin closes."""
import sys

from apple_signer import AppleSigner, transaction


def main():
    signer = AppleSigner()
    print(signer.root_path, flush=True)
    try:
        for line in sys.stdin:
            product, number, token = line.split()
            expires = 30 * 86400 if "monthly" in product else None
            print(signer.sign(transaction(product, number, token, expires_in=expires)), flush=True)
    finally:
        signer.close()


if __name__ == "__main__":
    main()
