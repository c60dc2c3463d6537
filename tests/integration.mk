# integration tests (gnsd, nss): append to TESTS
