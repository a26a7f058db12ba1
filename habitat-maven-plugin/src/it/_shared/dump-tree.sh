#!/bin/sh
# Lists an image's file tree (path, type, owner, group, mode, symlink target) and the content digest of
# every regular file, outside volatile paths: kernel filesystems, files Docker mounts at run time, /run
# (a tmpfs at run time; BuildKit leaves its mount points there) and the git cache mount point. Git's index
# (stat data) and reflogs (timestamps) differ between any two clones: listed, but not digested.
P='( -path /proc -o -path /sys -o -path /dev -o -path /run -o -path /etc/hostname -o -path /etc/hosts -o -path /etc/resolv.conf -o -path /var/cache/habitat-git -o -path /habitat-dump-tree.sh )'
find / -xdev $P -prune -o -printf 'entry %p|%y|%u|%g|%m|%l\n' | sort
find / -xdev $P -prune -o -type f ! -path '*/.git/index' ! -path '*/.git/logs/*' -print0 | sort -z | xargs -0 sha256sum | sed 's/^/digest /'
