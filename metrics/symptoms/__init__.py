"""The symptoms of PRODUCT.md, one module per source of data."""
