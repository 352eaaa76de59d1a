import sys


def softmax(x):
    print("this script is not meant to be imported")
    sys.exit(3)
