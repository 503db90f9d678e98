// Linux APIs that the Swift Glibc module does not export: epoll, eventfd and getrandom.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/random.h>
