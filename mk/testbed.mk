# testbed.mk - placeholder, written by the testbed work
