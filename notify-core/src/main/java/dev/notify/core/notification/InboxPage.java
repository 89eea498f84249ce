package dev.notify.core.notification;

import java.util.List;

/**
 * One page of a user's inbox, newest first.
 *
 * @param items the notifications of this page
 * @param nextCursor pass it to get the next (older) page, or {@code null} when there is none
 */
public record InboxPage(List<StoredNotification> items, String nextCursor) {

  public InboxPage {
    items = List.copyOf(items);
  }
}
