"""The ideas board: suggestions customers made in their posts, clustered into ideas with a status, an owner
department, customers, votes and comments; and closing the loop, telling those customers when an idea is
planned or shipped."""
